/** Every infrastructure process we start is recorded under a name with this prefix, so
 * `qf infra down` stops exactly those (fleet services use their own prefix). */
export const INFRA_PREFIX = 'infra-';
