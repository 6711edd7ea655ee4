import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A JDK's java and javac. */
export interface Jdk {
  readonly java: string;
  readonly javac: string;
  readonly major: number;
}

const majorOf = (java: string): number | undefined => {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match?.[1]) return undefined;
  // Java 8 and older say "1.8.0".
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
};

const candidateHomes = (): string[] => {
  const homes = [process.env['JAVA_HOME'], process.env['QF_JAVA_HOME']].filter(
    (home): home is string => Boolean(home),
  );
  const jvmDir = '/usr/lib/jvm';
  if (fs.existsSync(jvmDir))
    homes.push(...fs.readdirSync(jvmDir).map((name) => path.join(jvmDir, name)));
  return homes;
};

/**
 * The newest JDK of at least `minMajor`, from JAVA_HOME, QF_JAVA_HOME, /usr/lib/jvm or
 * the PATH. Strimzi 1.x's model classes are compiled for Java 21, while the local Kafka
 * runs on the machine's default JDK, which may be older.
 */
export const findJdk = (minMajor: number): Jdk => {
  const found: Jdk[] = [];
  for (const home of candidateHomes()) {
    const java = path.join(home, 'bin', 'java');
    const javac = path.join(home, 'bin', 'javac');
    if (!fs.existsSync(java) || !fs.existsSync(javac)) continue;
    const major = majorOf(java);
    if (major !== undefined) found.push({ java, javac, major });
  }
  const onPath = majorOf('java');
  if (onPath !== undefined) found.push({ java: 'java', javac: 'javac', major: onPath });
  const best = found.filter((jdk) => jdk.major >= minMajor).sort((a, b) => b.major - a.major)[0];
  if (!best) {
    const seen = found.map((jdk) => `${jdk.java} (${jdk.major})`).join(', ') || 'none';
    throw new Error(
      `a JDK ${minMajor} or newer is needed to read Strimzi's model; found ${seen}. Install one (Debian: apt-get install openjdk-${minMajor}-jdk-headless) or set QF_JAVA_HOME`,
    );
  }
  return best;
};
