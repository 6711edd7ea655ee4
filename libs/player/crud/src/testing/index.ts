export {
  metricValue,
  scrape,
  startChildService,
  type ChildService,
  type ChildServiceOptions,
} from './child-service';
export { registrationDocument } from './registration-document';
