import { aCommand, given, registeredPlayer } from './';

// The helper is only worth having if it fails when it should.
describe('given/when/then', () => {
  it('fails when the events differ', () => {
    expect(() =>
      given(registeredPlayer())
        .when(aCommand.takeDamage({ amount: 10 }))
        .then([{ type: 'DamageTaken', data: { amount: 10, health: 91 } }]),
    ).toThrow();
  });

  it('fails when an expected rejection does not happen', () => {
    expect(() =>
      given(registeredPlayer()).when(aCommand.heal()).thenThrows('PLAYER.DEAD'),
    ).toThrow();
  });

  it('fails on a rejection with another code', () => {
    expect(() => given().when(aCommand.heal()).thenThrows('PLAYER.DEAD')).toThrow();
  });

  it('accepts one array of events as well as spread events', () => {
    const events = registeredPlayer();
    const command = aCommand.move();
    expect(
      given(events)
        .when(command)
        .then(() => undefined),
    ).toEqual(
      given(...events)
        .when(command)
        .then(() => undefined),
    );
  });
});
