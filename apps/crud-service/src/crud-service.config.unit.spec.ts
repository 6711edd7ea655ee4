import { auditModeFrom, crudServiceConfig } from './crud-service.config';

describe('crud-service config', () => {
  it('takes the audit mode from --audit, then QF_AUDIT_MODE, else outbox', () => {
    expect(auditModeFrom([], {})).toBe('outbox');
    expect(auditModeFrom([], { QF_AUDIT_MODE: 'dual-write' })).toBe('dual-write');
    expect(auditModeFrom(['--audit=dual-write'], { QF_AUDIT_MODE: 'outbox' })).toBe('dual-write');
    expect(auditModeFrom(['--audit', 'outbox'], { QF_AUDIT_MODE: 'dual-write' })).toBe('outbox');
    expect(() => auditModeFrom(['--audit=both'], {})).toThrow(/--audit/);
    expect(() => auditModeFrom([], { QF_AUDIT_MODE: 'x' })).toThrow(/QF_AUDIT_MODE/);
  });

  it('defaults to the catalog ports and reads overrides', () => {
    expect(crudServiceConfig([], {})).toMatchObject({
      httpPort: 3100,
      grpcPort: 50061,
      auditMode: 'outbox',
      recentLimit: 50,
    });
    expect(crudServiceConfig([], { QF_HTTP_PORT: '0', QF_OCC_MAX_ATTEMPTS: '3' })).toMatchObject({
      httpPort: 0,
      retry: { maxAttempts: 3 },
    });
  });
});
