export { eventually } from './eventually';
export { uniqueName } from './unique-name';
