import type { KeyRing } from '../http/auth.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { Ingestor } from '../ingest/ingestor.js';
import type { createStats } from '../ingest/stats.js';
import type { ResolvedOptions } from '../options.js';
import type { EventStorage } from '../store/storage.js';

/** What the route handlers of one collector share. */
export interface RouteDeps {
  options: ResolvedOptions;
  store: EventStorage;
  ingestor: Ingestor;
  writeKeys: KeyRing;
  readKeys: KeyRing;
  appIds: KeyRing;
  limiter: RateLimiter;
  stats: ReturnType<typeof createStats>;
  /** Reports a failed commit (logged once per distinct error); the clients resend. */
  onStorageError: (err: unknown) => void;
}
