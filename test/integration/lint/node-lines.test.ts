import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

/**
 * The supported Node.js lines are stated in five places: package.json's engines (and its copy in the
 * lockfile), the versions CI installs, the compose file's images and the README. They must agree, or
 * a user follows one and CI tests another.
 */
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('supported Node.js lines: one statement everywhere', () => {
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const lockRoot = (JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } }> }).packages[''];
  const ci = read('.ci/run');
  const recommended = /^NODE_RECOMMENDED=(\d+\.\d+\.\d+)/m.exec(ci)?.[1];
  const lowest = /^NODE_LOWEST=(\d+\.\d+\.\d+)/m.exec(ci)?.[1];

  it('engines.node asks for what the dependencies need (TypeORM: ^22.13.0 || >=24.11.0), and the lockfile says the same', () => {
    expect(engines).toBe('^22.13.0 || >=24.11.0');
    expect(lockRoot.engines?.node).toBe(engines);
  });

  it('CI tests the lowest version engines allows, and a newer recommended line', () => {
    expect(lowest).toBe('22.13.0');
    expect(engines.startsWith(`^${lowest}`)).toBe(true);
    expect(Number(recommended!.split('.')[0])).toBeGreaterThan(Number(lowest!.split('.')[0]));
    // The whole suite runs on the recommended line, the unit tier and boot/smoke on the lowest.
    expect(ci).toMatch(/PATH="\$\(ci_node_dir "\$NODE_RECOMMENDED"\)\/bin:\$system_path"[\s\S]*npm test[\s\S]*PATH="\$\(ci_node_dir "\$NODE_LOWEST"\)\/bin:\$system_path"[\s\S]*test:unit/);
  });

  it('the compose file runs the recommended line', () => {
    const images = [...read('docker-compose.yml').matchAll(/image:\s*node:(\S+)/g)].map((m) => m[1]);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toBe(recommended!.split('.')[0]);
  });

  it('the README names the recommended line, the lowest version and both CI versions', () => {
    const readme = read('README.md');
    const major = recommended!.split('.')[0];
    expect(readme).toContain(`Node ${major} is recommended`);
    expect(readme).toContain('22.13 or later');
    expect(readme).toContain(recommended!);
    expect(readme).toContain(lowest!);
    expect(readme).not.toMatch(/Needs Node 20/);
  });
});
