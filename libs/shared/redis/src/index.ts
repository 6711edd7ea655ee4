export { createRedis } from './redis-client';
