import { boolFromEnv, InvalidEnvironmentError, oneOfEnv } from './env';

describe('boolFromEnv', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    [' on ', true],
    ['0', false],
    ['False', false],
    ['no', false],
    ['off', false],
  ])('reads %j as %s', (raw, expected) => {
    expect(boolFromEnv('QF_FLAG', !expected, { QF_FLAG: raw })).toBe(expected);
  });

  it('falls back when unset or empty', () => {
    expect(boolFromEnv('QF_FLAG', true, {})).toBe(true);
    expect(boolFromEnv('QF_FLAG', false, { QF_FLAG: '' })).toBe(false);
  });

  it.each(['flase', '2', 'enabled', 'y'])('refuses %j, naming the variable', (raw) => {
    expect(() => boolFromEnv('QF_FLAG', true, { QF_FLAG: raw })).toThrow(InvalidEnvironmentError);
    expect(() => boolFromEnv('QF_FLAG', true, { QF_FLAG: raw })).toThrow(/QF_FLAG="/);
  });
});

describe('oneOfEnv', () => {
  it('accepts an allowed value, falls back when unset, refuses the rest', () => {
    expect(oneOfEnv('QF_MODE', ['a', 'b'], 'a', { QF_MODE: 'b' })).toBe('b');
    expect(oneOfEnv('QF_MODE', ['a', 'b'], 'a', {})).toBe('a');
    expect(() => oneOfEnv('QF_MODE', ['a', 'b'], 'a', { QF_MODE: 'c' })).toThrow(
      /QF_MODE="c" is invalid: expected one of a, b/,
    );
  });
});
