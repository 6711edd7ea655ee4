import type { PartitionLag } from '@qf/shared-kafka';

const seconds = (value: number | null): string =>
  value === null ? '?' : value < 60 ? `${value.toFixed(1)}s` : `${(value / 60).toFixed(1)}m`;

export const lagTable = (rows: readonly PartitionLag[]): string => {
  const header = [
    'GROUP',
    'TOPIC',
    'PARTITION',
    'HIGH-WATERMARK',
    'COMMITTED',
    'OFFSET-LAG',
    'TIME-LAG',
  ];
  const cells = rows.map((row) => [
    row.groupId,
    row.topic,
    String(row.partition),
    String(row.highWatermark),
    row.committedOffset === null ? '-' : String(row.committedOffset),
    String(row.offsetLag),
    seconds(row.timeLagSeconds),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column]?.length ?? 0)),
  );
  const line = (cell: string[]) =>
    cell
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line), '', ...lagSummary(rows)].join('\n');
};

/** One line per consumer group: total offset lag and the worst time lag of its partitions. */
export const lagSummary = (rows: readonly PartitionLag[]): string[] => {
  const totals = new Map<string, { offsetLag: number; timeLag: number | null }>();
  for (const row of rows) {
    const total = totals.get(row.groupId) ?? { offsetLag: 0, timeLag: 0 };
    total.offsetLag += row.offsetLag;
    total.timeLag =
      total.timeLag === null || row.timeLagSeconds === null
        ? null
        : Math.max(total.timeLag, row.timeLagSeconds);
    totals.set(row.groupId, total);
  }
  return [...totals].map(
    ([group, total]) =>
      `${group}: offset lag ${total.offsetLag}, time lag ${seconds(total.timeLag)}`,
  );
};
