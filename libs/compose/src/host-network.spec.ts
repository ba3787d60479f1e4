import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toHostNetwork } from './host-network.ts';

const RENDERED = `
services:
  db:
    image: postgis
    expose: ["5432"]
    networks: { backend: null }
  backend:
    image: api
    expose: ["8000"]
    ports: ["127.0.0.1:8000:8000"]
    networks: { backend: null, edge: null }
networks:
  backend: {}
  edge: {}
volumes:
  db-data: {}
`;

describe('toHostNetwork', () => {
  it('puts every service on the host network with service names resolving to 127.0.0.1', () => {
    expect(parse(toHostNetwork(RENDERED))).toEqual({
      services: {
        db: { image: 'postgis', expose: ['5432'], network_mode: 'host', extra_hosts: ['backend:127.0.0.1', 'db:127.0.0.1'] },
        backend: { image: 'api', expose: ['8000'], network_mode: 'host', extra_hosts: ['backend:127.0.0.1', 'db:127.0.0.1'] },
      },
      volumes: { 'db-data': {} },
    });
  });

  it('quotes values docker-compose 1.29 would misread (restart: "no")', () => {
    const job = RENDERED.replace('image: postgis', "image: postgis\n    restart: 'no'");

    expect(toHostNetwork(job)).toContain('restart: "no"');
  });

  it('refuses two services on one port', () => {
    const clash = RENDERED.replace('expose: ["8000"]', 'expose: ["5432"]');

    expect(() => toHostNetwork(clash)).toThrow('services backend and db both listen on port 5432; on the host network one port serves one service');
  });
});
