import { describe, expect, it } from 'vitest';
import { buildPodStatusExtras } from './pod-status-extras.ts';

const pod = (annotations: Record<string, string>) => ({ namespace: 'default', name: 'p', uid: 'u', annotations });

describe('buildPodStatusExtras', () => {
  it('says which format was used and which were ignored', () => {
    expect(buildPodStatusExtras(pod({ 'k8s.v1.cni.cncf.io/networks': 'a', cni: 'b' }))).toEqual({ format: 'npwg', ignoredFormats: ['genie'] });
  });

  it('leaves the format out when the request cannot be read', () => {
    expect(buildPodStatusExtras(pod({ 'k8s.v1.cni.cncf.io/networks': 'Bad_Name' }))).toEqual({});
  });
});
