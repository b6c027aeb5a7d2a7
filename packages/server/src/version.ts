/**
 * `context.library` of every server event. The version is kept equal to package.json's by a
 * unit test, so the two cannot drift.
 */
export const LIBRARY = Object.freeze({ name: '@tidemark/server', version: '0.1.0' });
