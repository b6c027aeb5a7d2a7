/** One page of an export. */
export interface ExportPage<T> {
  items: T[];
  /** Pass it as `cursor` to get the next page; null when the collector has no cursor to give. */
  nextCursor: string | null;
}

/**
 * An incremental export in progress: iterate it for pages (it stops at the first empty page),
 * then save `cursor` for the next run.
 */
export class ExportRun<T, Q extends { cursor?: string } = { cursor?: string }> implements AsyncIterable<ExportPage<T>> {
  #cursor: string | undefined;
  readonly #query: Q;
  readonly #fetchPage: (query: Q) => Promise<ExportPage<T>>;

  /**
   * @param query - the first request (its `cursor` is where the run starts)
   * @param fetchPage - fetches one page for a query
   */
  constructor(query: Q, fetchPage: (query: Q) => Promise<ExportPage<T>>) {
    this.#query = { ...query };
    this.#cursor = query.cursor;
    this.#fetchPage = fetchPage;
  }

  /**
   * Where the last page handed out ended (the start cursor before the first page). Save it
   * once that page is processed; pass it as `cursor` to resume.
   */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  /** Pages, one request each, until a page has no items or the collector gives no cursor. */
  async *[Symbol.asyncIterator](): AsyncIterator<ExportPage<T>> {
    for (;;) {
      const page = await this.#fetchPage({ ...this.#query, cursor: this.#cursor });
      if (page.nextCursor !== null) this.#cursor = page.nextCursor;
      if (page.items.length === 0) return;
      yield page;
      if (page.nextCursor === null) return;
    }
  }
}
