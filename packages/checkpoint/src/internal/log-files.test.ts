import { describe, expect, it } from 'vitest';
import { buildLogName, selectLogGenerations } from './log-files.ts';

describe('record log file names', () => {
  it('names a generation records-<n>.log', () => {
    expect(buildLogName(1)).toBe('records-1.log');
    expect(buildLogName(42)).toBe('records-42.log');
  });

  it('selects the generations of log files only, oldest first in numeric order', () => {
    const names = ['records-10.log', 'records-9.log', 'records-2.log', 'records-123.log', 'quarantine', 'records-3.log.tmp', 'old-records-4.log', 'records-.log', 'records-x5.log', 'records-6.logs'];
    expect(selectLogGenerations(names)).toEqual([2, 9, 10, 123]);
  });

  it('selects nothing among no log files', () => {
    expect(selectLogGenerations([])).toEqual([]);
    expect(selectLogGenerations(['a.json', '.a.123.tmp'])).toEqual([]);
  });
});
