import { describe, expect, it } from 'vitest';
import { shipperSettings } from './settings.ts';

describe('shipperSettings', () => {
  it("defaults: its own container's project, VictoriaLogs jsonline at http://victorialogs:9428, the engine socket, state in /state", () => {
    expect(shipperSettings({})).toEqual({
      project: undefined,
      url: 'http://victorialogs:9428',
      format: 'jsonline',
      socketPath: '/var/run/docker.sock',
      stateDir: '/state',
    });
  });

  it('names the variable and what it accepts on bad input', () => {
    expect(() => shipperSettings({ SATVACH_LOGS_PROJECT: 'My Stack' })).toThrow('SATVACH_LOGS_PROJECT="My Stack" is not a compose project name');
    expect(() => shipperSettings({ SATVACH_LOGS_PROJECT: 'p', SATVACH_LOGS_FORMAT: 'gelf' })).toThrow('SATVACH_LOGS_FORMAT="gelf" must be jsonline (VictoriaLogs) or loki');
    expect(() => shipperSettings({ SATVACH_LOGS_PROJECT: 'p', SATVACH_LOGS_PUSH_URL: 'victorialogs:9428' })).toThrow('SATVACH_LOGS_PUSH_URL="victorialogs:9428" is not an http(s) URL');
    expect(() => shipperSettings({ SATVACH_LOGS_PROJECT: 'p', DOCKER_HOST: 'tcp://10.0.0.1:2375' })).toThrow('DOCKER_HOST="tcp://10.0.0.1:2375": the shipper reads the engine over its unix socket only');
  });
});
