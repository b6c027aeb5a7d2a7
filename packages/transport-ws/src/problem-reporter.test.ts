import { describe, expect, it } from 'vitest';
import { TidemarkError } from '@tidemark/core';
import { ProblemReporter } from './problem-reporter.js';

describe('ProblemReporter', () => {
  it('tells each problem once until it is cleared', () => {
    const heard: string[] = [];
    const problems = new ProblemReporter((error) => heard.push(error.message));

    problems.tell('network', new TidemarkError('network', 'down 1'));
    problems.tell('network', new TidemarkError('network', 'down 2'));
    problems.tell('malformed', new TidemarkError('protocol', 'junk'));
    problems.clear('network');
    problems.tell('network', new TidemarkError('network', 'down 3'));

    expect(heard).toEqual(['down 1', 'junk', 'down 3']);
  });

  it('survives a listener that throws, and no listener at all', () => {
    const throwing = new ProblemReporter(() => {
      throw new Error('app bug');
    });
    const silent = new ProblemReporter(undefined);

    expect(() => throwing.tell('encode', new TidemarkError('invalid_event', 'bad'))).not.toThrow();
    expect(() => silent.tell('encode', new TidemarkError('invalid_event', 'bad'))).not.toThrow();
  });
});
