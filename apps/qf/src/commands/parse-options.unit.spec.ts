import { InvalidArgumentError } from 'commander';
import { collect, intInRange, serviceEnvOf } from './parse-options';

describe('qf option parsers', () => {
  it('intInRange takes whole numbers within the range and names the flag otherwise', () => {
    const parse = intInRange('--rate', 1, 10);
    expect(parse('1')).toBe(1);
    expect(parse('10')).toBe(10);
    for (const bad of ['0', '11', '2.5', 'x', ''])
      expect(() => parse(bad)).toThrow(/--rate takes a whole number from 1 to 10/);
  });

  it('collect keeps every occurrence of a repeatable flag, in order', () => {
    expect(['a', 'b', 'a'].reduce<string[]>((all, value) => collect(value, all), [])).toEqual([
      'a',
      'b',
      'a',
    ]);
  });

  it('serviceEnvOf reads NAME=VALUE pairs; the value may hold = and be empty', () => {
    expect(serviceEnvOf(['QF_A=1', 'QF_B=x=y', 'EMPTY='])).toEqual({
      QF_A: '1',
      QF_B: 'x=y',
      EMPTY: '',
    });
    expect(serviceEnvOf([])).toEqual({});
  });

  it.each([['lower=1'], ['NO_EQUALS'], ['=value'], ['1ABC=2']])(
    'serviceEnvOf refuses %p, naming --env',
    (pair) => {
      expect(() => serviceEnvOf([pair])).toThrow(InvalidArgumentError);
      expect(() => serviceEnvOf([pair])).toThrow(`--env takes NAME=VALUE, got "${pair}"`);
    },
  );
});
