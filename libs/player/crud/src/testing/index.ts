export { registrationDocument } from './registration-document';
