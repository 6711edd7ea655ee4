import { describeLoss, ProcessWatch } from './process-watch';

describe('ProcessWatch', () => {
  const processes = [
    { name: 'qf-projector-1', pid: 10 },
    { name: 'kafka-1', pid: 20 },
    { name: 'qf-command-gateway-1', pid: 30 },
  ];

  it('reports the processes that exited or whose pid now belongs to another process', () => {
    const table = new Map<number, number | undefined>([
      [10, 1000],
      [20, 2000],
      [30, 3000],
    ]);
    const watch = new ProcessWatch(processes, (pid) => table.get(pid));
    expect(watch.lost()).toEqual([]);
    table.set(10, undefined); // crashed
    table.set(30, 9999); // pid reused by a newer process
    expect(watch.lost()).toEqual([
      { name: 'qf-projector-1', pid: 10 },
      { name: 'qf-command-gateway-1', pid: 30 },
    ]);
  });

  it('tells apart processes that were already gone when the watch began', () => {
    const watch = new ProcessWatch(processes, (pid) => (pid === 20 ? undefined : pid * 100));
    expect(watch.missingAtStart()).toEqual([{ name: 'kafka-1', pid: 20 }]);
    expect(watch.lost()).toEqual([]);
  });
});

describe('describeLoss', () => {
  it('names every lost process with its pid and when', () => {
    expect(
      describeLoss(
        [
          { name: 'qf-projector-1', pid: 10 },
          { name: 'kafka-1', pid: 20 },
        ],
        'during the step',
      ),
    ).toBe('lost qf-projector-1 (pid 10), kafka-1 (pid 20) during the step');
  });
});
