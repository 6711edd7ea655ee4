import { describeIssues, stateQuerySchema } from './request-schemas';

describe('stateQuerySchema', () => {
  it.each(['2021-01-01T00:00:00Z', '2021-01-01T00:00:00+02:00', '2021-01-01T00:00:00.123-23:59'])(
    'accepts at=%s',
    (at) => {
      expect(stateQuerySchema.safeParse({ at }).success).toBe(true);
    },
  );

  it.each(['2021-01-01T00:00:00+99:99', '2021-01-01T00:00:00+24:00', '2021-01-01', 'yesterday'])(
    'refuses at=%s, naming the field',
    (at) => {
      const result = stateQuerySchema.safeParse({ at });
      expect(result.success).toBe(false);
      if (!result.success)
        expect(describeIssues(result.error).map((issue) => issue.field)).toContain('at');
    },
  );

  it('wants exactly one of version and at', () => {
    expect(stateQuerySchema.safeParse({}).success).toBe(false);
    expect(stateQuerySchema.safeParse({ version: '2', at: '2021-01-01T00:00:00Z' }).success).toBe(
      false,
    );
    expect(stateQuerySchema.safeParse({ version: '2' }).success).toBe(true);
  });
});
