/** Where each message code is explained; the anchor is the code in lower case. */
export const ERRORS_DOC = 'https://github.com/tidemark/tidemark/blob/main/docs/errors.md';

/**
 * A runtime problem's message where the build carries no sentences (the script-tag bundles,
 * see `SENTENCES`): its code and the docs link that explains it, so a console line from the
 * script tag still leads to the fix. Set-up errors (a wrong option) keep their sentence in
 * every build: they are what a developer sees first, and the fix belongs in the message (the
 * one exception, TM39, is a runtime without Web Crypto, which no supported browser is).
 *
 * @param code - the message's stable code, `TM` and two digits (docs/errors.md lists them)
 * @returns `TM20 https://…/docs/errors.md#tm20`
 * @example
 * explain('TM20'); // 'TM20 https://github.com/tidemark/tidemark/blob/main/docs/errors.md#tm20'
 */
export function explain(code: string): string {
  return `${code} ${ERRORS_DOC}#${code.toLowerCase()}`;
}
