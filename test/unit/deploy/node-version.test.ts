import fs from 'node:fs';
import path from 'node:path';

/**
 * One Node.js story: the image runs a supported release that satisfies `engines`, and the README states
 * the same minimum as `engines` and names the image's release.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Node.js release lines and the end of their support (https://github.com/nodejs/release#release-schedule). */
const END_OF_LIFE: ReadonlyMap<number, string> = new Map([
  [20, '2026-04-30'],
  [22, '2027-04-30'],
  [24, '2028-04-30'],
]);

function engineMinimum(): { major: number; minor: number } {
  const { engines } = JSON.parse(read('package.json')) as { engines?: { node?: string } };
  const match = /^>=(\d+)\.(\d+)(?:\.\d+)?$/.exec(engines?.node ?? '');
  if (!match) throw new Error(`package.json engines.node is not ">=X.Y": ${engines?.node}`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

function imageMajor(): number {
  const match = /^ARG NODE_IMAGE=node:(\d+)[-.]/m.exec(read('Dockerfile'));
  if (!match) throw new Error('Dockerfile has no ARG NODE_IMAGE=node:<major>-...');
  return Number(match[1]);
}

describe('the Node.js release', () => {
  it("the image's release is an LTS line that satisfies engines and is not past its end of life", () => {
    const major = imageMajor();
    expect(major).toBeGreaterThanOrEqual(engineMinimum().major);
    const endOfLife = END_OF_LIFE.get(major);
    expect({ major, known: endOfLife !== undefined }).toEqual({ major, known: true });
    const today = new Date().toISOString().slice(0, 10);
    expect({ major, endOfLife, supportedToday: today <= endOfLife! }).toEqual({ major, endOfLife, supportedToday: true });
  });

  it('the README states the minimum of engines and names the image’s release', () => {
    const { major, minor } = engineMinimum();
    const readme = read('README.md');
    const stated = [...readme.matchAll(/Node\.js (\d+)\.(\d+) or later/g)].map((m) => `${m[1]}.${m[2]}`);
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([`${major}.${minor}`]));
    expect(readme).toContain(`image runs Node ${imageMajor()}`);
  });

  it('the Node.js running the tests satisfies engines', () => {
    const [major, minor] = process.versions.node.split('.').map(Number);
    const minimum = engineMinimum();
    expect(major! > minimum.major || (major === minimum.major && minor! >= minimum.minor)).toBe(true);
  });
});
