import { describe, expect, it } from 'vitest';
import { CniError } from '@multinet/cni-driver';
import { buildPodFailure } from './pod-failure.ts';

describe('buildPodFailure', () => {
  it('names the innermost typed cause of a CniError', () => {
    const timeout = new CniError('PLUGIN_TIMEOUT', 'plugin timed out');
    const setup = new CniError('POD_SETUP_FAILED', 'setup failed: plugin timed out', {}, { cause: timeout });
    expect(buildPodFailure(setup, 'POD_SETUP_FAILED')).toEqual({ code: 'POD_SETUP_FAILED', message: 'setup failed: plugin timed out', causeCode: 'PLUGIN_TIMEOUT' });
  });

  it('leaves causeCode out when there is no other typed cause', () => {
    expect(buildPodFailure(new CniError('NETWORK_NOT_FOUND', 'no net', {}, { cause: new Error('x') }), 'X')).toEqual({ code: 'NETWORK_NOT_FOUND', message: 'no net' });
  });

  it('takes the fallback code for an error that is no CniError', () => {
    expect(buildPodFailure(new Error('EACCES'), 'SANDBOX_FAILED')).toEqual({ code: 'SANDBOX_FAILED', message: 'EACCES' });
    expect(buildPodFailure('text', 'SANDBOX_FAILED')).toEqual({ code: 'SANDBOX_FAILED', message: 'text' });
  });
});
