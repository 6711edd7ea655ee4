import { HealthChecks } from './health';
import { ServiceLifecycle, type ServiceRuntime } from './service-lifecycle';

const lifecycleOf = (runtime: ServiceRuntime) => new ServiceLifecycle(runtime, new HealthChecks());

describe('ServiceLifecycle', () => {
  it('registers checks, starts, and on shutdown stops the work only after its start settled, then closes', async () => {
    const steps: string[] = [];
    let joined!: () => void;
    let seenStopping: (() => boolean) | undefined;
    const lifecycle = lifecycleOf({
      service: 'probe',
      health: () => steps.push('health'),
      start: (stopping) => {
        seenStopping = stopping;
        steps.push('start');
        return new Promise<void>((resolve) => (joined = resolve)).then(() => {
          steps.push('joined');
        });
      },
      stop: async () => {
        steps.push('stop');
      },
      close: async () => {
        steps.push('close');
      },
    });

    lifecycle.onModuleInit();
    lifecycle.onApplicationBootstrap();
    expect(seenStopping?.()).toBe(false);
    const shutdown = lifecycle.beforeApplicationShutdown();
    expect(seenStopping?.()).toBe(true);
    joined();
    await shutdown;
    await lifecycle.onApplicationShutdown();

    expect(steps).toEqual(['health', 'start', 'joined', 'stop', 'close']);
  });

  it('runs a runtime with nothing in the background (health and close only)', async () => {
    const closed = jest.fn(async () => undefined);
    const lifecycle = lifecycleOf({ service: 'probe', close: closed });
    lifecycle.onModuleInit();
    lifecycle.onApplicationBootstrap();
    await lifecycle.beforeApplicationShutdown();
    await lifecycle.onApplicationShutdown();
    expect(closed).toHaveBeenCalledTimes(1);
  });
});
