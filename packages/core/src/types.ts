// The wire types live in the protocol package; the core re-exports those apps use.
export type { EventType, JsonValue, JsonObject, PageContext, CampaignContext, EventContext, TidemarkEvent } from '@tidemark/protocol';
export { LIMITS } from '@tidemark/protocol';
