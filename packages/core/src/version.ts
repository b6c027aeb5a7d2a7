/** Version of the Tidemark client libraries, sent in `context.library.version`. */
export const VERSION = '0.1.0';
