import { parseProcStat, parseUptimeSeconds, parseVmRssBytes, processTree } from './proc-parse';

// A real /proc/<pid>/stat line layout (proc(5)): utime and stime are fields 14 and 15, starttime 22.
const statLine = (
  pid: number,
  comm: string,
  ppid: number,
  utime: number,
  stime: number,
  starttime: number,
) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1234 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 ${starttime} 1266286592 45011 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0\n`;

describe('parseProcStat', () => {
  it('reads pid, ppid, utime, stime and starttime', () => {
    expect(parseProcStat(statLine(4242, 'node', 1, 1520, 310, 695402))).toEqual({
      pid: 4242,
      comm: 'node',
      state: 'S',
      ppid: 1,
      utime: 1520,
      stime: 310,
      starttime: 695402,
    });
  });

  it('copes with spaces and parentheses in the command name', () => {
    const stat = parseProcStat(statLine(77, 'Web (Content) x', 5, 9, 8, 1000));
    expect(stat.comm).toBe('Web (Content) x');
    expect(stat.ppid).toBe(5);
    expect(stat.utime).toBe(9);
    expect(stat.stime).toBe(8);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('1 (x) S 0')).toThrow(/no field 14/);
  });
});

describe('parseVmRssBytes', () => {
  it('converts VmRSS from kB to bytes', () => {
    expect(
      parseVmRssBytes('Name:\tnode\nVmPeak:\t 1000 kB\nVmRSS:\t  180044 kB\nRssAnon:\t 1 kB\n'),
    ).toBe(180044 * 1024);
  });

  it('is 0 for kernel threads and zombies (no VmRSS line)', () => {
    expect(parseVmRssBytes('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBe(0);
  });
});

describe('parseUptimeSeconds', () => {
  it('reads the first number of /proc/uptime', () => {
    expect(parseUptimeSeconds('6954.02 13120.55\n')).toBeCloseTo(6954.02, 6);
  });
});

describe('processTree', () => {
  it('collects a process and all its descendants', () => {
    const parentOf = new Map([
      [1, 0],
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
    ]);
    expect(processTree(10, parentOf).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
    expect(processTree(20, parentOf)).toEqual([20]);
    expect(processTree(99, parentOf)).toEqual([99]);
  });
});
