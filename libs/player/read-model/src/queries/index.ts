// @qf/player-read-model/queries: what a query service loads (Mongo read models, the Redis
// view cache) and nothing of the projector, so a read-only process loads no Kafka code.
export {
  cacheKeyPrefix,
  PlayerViewCache,
  type CacheRead,
  type PlayerViewCacheOptions,
} from '../cache/player-view.cache';
export { ReadModelRepository } from '../mongo/read-model.repository';
export { ViewAliases } from '../mongo/view-aliases';
export {
  playerViewFromDetails,
  playerViewFromState,
  roomPlayerFromDocument,
} from '../projection/player-view.mapper';
export { PLAYER_VIEW_READER, PlayerViewReader, type MinVersionWait } from './player-view.reader';
export { eventsFromDocuments } from './stored-events';
