import { InvalidEnvironmentError } from '@qf/shared-config';
import { databaseFromUrl, databaseName } from './mongo-client';

describe('databaseFromUrl', () => {
  it.each([
    ['mongodb://127.0.0.1:27017', undefined],
    ['mongodb://127.0.0.1:27017/', undefined],
    ['mongodb://127.0.0.1:27017/game', 'game'],
    ['mongodb://a:27017,b:27017,c:27017/game?replicaSet=rs0', 'game'],
    ['mongodb://user:p%40ss@a:1,b:2/?replicaSet=rs0', undefined],
    ['mongodb+srv://user:pw@cluster.example.net/prod?retryWrites=true', 'prod'],
    ['mongodb://host/my%20db', 'my db'],
  ])('%s names %s', (url, expected) => {
    expect(databaseFromUrl(url)).toBe(expected);
  });

  it.each(['http://host/db', 'host:27017', '', 'mongodb://'])(
    'refuses %j naming MONGO_URL',
    (url) => {
      expect(() => databaseFromUrl(url)).toThrow(InvalidEnvironmentError);
      expect(() => databaseFromUrl(url)).toThrow(/MONGO_URL/);
    },
  );

  it('a multi-host MONGO_URL gives its database to databaseName', () => {
    expect(
      databaseName({
        MONGO_URL: 'mongodb://m1:27017,m2:27017,m3:27017/questfleet_x?replicaSet=rs0',
      }),
    ).toBe('questfleet_x');
    expect(databaseName({ MONGO_URL: 'mongodb://m1,m2/?replicaSet=rs0' })).toBe('questfleet');
    expect(databaseName({ QF_MONGO_DB: 'mine', MONGO_URL: 'mongodb://m1,m2/other' })).toBe('mine');
  });
});
