export { eventually } from './eventually';
export { uniqueName } from './unique-name';
export { TcpProxy } from './tcp-proxy';
