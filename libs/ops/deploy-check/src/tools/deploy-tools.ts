import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { requireTool, type InfraContext } from '@qf/local-infra';
import { findJdk } from './find-jdk';
import { runCapturing } from './run-capturing';

/**
 * The versions the offline deploy check validates against. Each comes from a package
 * registry through its ordinary client and is cached under .local/cache/deploy-check:
 * - kustomize, the Go module (`go install`), builds the overlays;
 * - the Kubernetes API's JSON schemas, strict variants (additionalProperties false), as
 *   shipped in the PyPI package kubernetes-validate (`pip download`);
 * - KEDA's CRDs, shipped in its Go module (`go mod download`);
 * - the compose-spec schema, shipped in compose-go, the reference implementation's Go module;
 * - Strimzi's API model from Maven Central, read by deploy/validate/strimzi-model-check.
 */
export const DEPLOY_TOOL_VERSIONS = {
  kustomize: 'v5.8.1',
  kubernetesValidate: '1.37.0',
  kubernetes: '1.34.0',
  keda: 'v2.20.2',
  composeGo: 'v2.16.2',
  strimzi: '1.2.0',
} as const;

/** Where the installed tools and schemas are. */
export interface DeployTools {
  readonly kustomize: string;
  /** kubernetes-json-schema/v<version>-local-strict: one file per kind plus _definitions.json. */
  readonly kubernetesSchemaDir: string;
  /** CustomResourceDefinition YAML files whose schemas validate custom resources. */
  readonly crdFiles: readonly string[];
  readonly composeSchemaFile: string;
  readonly strimziCheck: { readonly java: string; readonly classpath: string };
}

const STRIMZI_CHECK_DIR = 'deploy/validate/strimzi-model-check';

/**
 * Installs what is missing (first run: a few minutes, mostly compiling kustomize), then
 * answers from the cache. Each step installs into a scratch directory and renames it into
 * place, so an interrupted or concurrent install never leaves a half-filled cache.
 */
export const ensureDeployTools = async (ctx: InfraContext): Promise<DeployTools> => {
  const base = path.join(ctx.cacheDir, 'deploy-check');
  fs.mkdirSync(base, { recursive: true });
  const v = DEPLOY_TOOL_VERSIONS;
  const kustomizeDir = await cachedStep(
    ctx,
    base,
    `kustomize-${v.kustomize}`,
    'kustomize (go install)',
    installKustomize,
  );
  const schemaDir = await cachedStep(
    ctx,
    base,
    `kubernetes-json-schema-${v.kubernetes}`,
    'Kubernetes JSON schemas (pip download kubernetes-validate)',
    installKubernetesSchemas,
  );
  const kedaDir = await cachedStep(
    ctx,
    base,
    `keda-crds-${v.keda}`,
    "KEDA's CRDs (go mod download)",
    (dir) => copyFromGoModule(dir, 'github.com/kedacore/keda/v2', v.keda, 'config/crd/bases'),
  );
  const composeDir = await cachedStep(
    ctx,
    base,
    `compose-spec-${v.composeGo}`,
    'the compose-spec schema (go mod download compose-go)',
    (dir) => copyFromGoModule(dir, 'github.com/compose-spec/compose-go/v2', v.composeGo, 'schema'),
  );
  const strimziDir = await cachedStep(
    ctx,
    base,
    `strimzi-model-check-${v.strimzi}-${sourceHash(ctx.root)}`,
    "Strimzi's API model (Maven Central) and its checker",
    (dir) => installStrimziCheck(ctx, dir),
  );
  const { java } = JSON.parse(fs.readFileSync(path.join(strimziDir, 'tool.json'), 'utf8')) as {
    java: string;
  };
  return {
    kustomize: path.join(kustomizeDir, 'kustomize'),
    kubernetesSchemaDir: path.join(schemaDir, `v${v.kubernetes}-local-strict`),
    crdFiles: fs
      .readdirSync(kedaDir)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => path.join(kedaDir, file)),
    composeSchemaFile: path.join(composeDir, 'compose-spec.json'),
    strimziCheck: {
      java,
      classpath: [path.join(strimziDir, 'classes'), path.join(strimziDir, 'libs', '*')].join(
        path.delimiter,
      ),
    },
  };
};

const cachedStep = async (
  ctx: InfraContext,
  base: string,
  name: string,
  label: string,
  install: (dir: string) => Promise<void>,
): Promise<string> => {
  const dir = path.join(base, name);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  const scratch = `${dir}.partial-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  ctx.log(`deploy-check: installing ${label} into ${path.relative(ctx.root, dir)} (once)…`);
  const started = Date.now();
  try {
    await install(scratch);
    fs.writeFileSync(path.join(scratch, '.complete'), new Date().toISOString());
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(scratch, dir);
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    // Another process may have finished the same step meanwhile.
    if (fs.existsSync(path.join(dir, '.complete'))) return dir;
    throw error;
  }
  ctx.log(`deploy-check: ${label} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
};

// The machine's own Go, and modules that need no newer one.
const goEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  GOTOOLCHAIN: 'local',
  GOFLAGS: '-mod=mod',
  ...extra,
});

const installKustomize = async (dir: string): Promise<void> => {
  requireTool('go', 'Go 1.24 or newer (Debian: apt-get install golang)');
  await runCapturing(
    'go',
    ['install', `sigs.k8s.io/kustomize/kustomize/v5@${DEPLOY_TOOL_VERSIONS.kustomize}`],
    { env: goEnv({ GOBIN: dir }), cwd: dir },
  );
};

const copyFromGoModule = async (
  dir: string,
  module: string,
  version: string,
  folder: string,
): Promise<void> => {
  requireTool('go', 'Go 1.24 or newer (Debian: apt-get install golang)');
  const out = await runCapturing('go', ['mod', 'download', '-json', `${module}@${version}`], {
    env: goEnv(),
    cwd: dir,
  });
  const { Dir: moduleDir, Error: error } = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!moduleDir)
    throw new Error(
      `go mod download ${module}@${version}: ${error ?? 'no directory in its answer'}`,
    );
  const from = path.join(moduleDir, folder);
  for (const file of fs.readdirSync(from).filter((name) => /\.(ya?ml|json)$/.test(name))) {
    fs.copyFileSync(path.join(from, file), path.join(dir, file));
  }
};

const installKubernetesSchemas = async (dir: string): Promise<void> => {
  requireTool('python3', 'Python 3 with pip (Debian: apt-get install python3-pip)');
  const { kubernetesValidate, kubernetes } = DEPLOY_TOOL_VERSIONS;
  const wheels = path.join(dir, 'wheel');
  await runCapturing(
    'python3',
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--dest',
      wheels,
      `kubernetes-validate==${kubernetesValidate}`,
    ],
    { cwd: dir },
  );
  const wheel = fs.readdirSync(wheels).find((file) => file.endsWith('.whl'));
  if (!wheel)
    throw new Error(
      `pip download kubernetes-validate==${kubernetesValidate} left no wheel in ${wheels}`,
    );
  // Only one Kubernetes version's strict schemas are needed, not all of the wheel's.
  const prefix = `kubernetes_validate/kubernetes-json-schema/v${kubernetes}-local-strict/`;
  const extract = [
    'import sys, zipfile, os',
    'wheel, prefix, out = sys.argv[1:4]',
    'z = zipfile.ZipFile(wheel)',
    'names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]',
    'if not names: sys.exit("no " + prefix + " in " + wheel)',
    'target = os.path.join(out, prefix.split("/")[-2])',
    'os.makedirs(target, exist_ok=True)',
    '[open(os.path.join(target, os.path.basename(n)), "wb").write(z.read(n)) for n in names]',
  ].join('\n');
  await runCapturing('python3', ['-c', extract, path.join(wheels, wheel), prefix, dir], {
    cwd: dir,
  });
  fs.rmSync(wheels, { recursive: true, force: true });
};

const installStrimziCheck = async (ctx: InfraContext, dir: string): Promise<void> => {
  requireTool('mvn', 'Apache Maven (Debian: apt-get install maven)');
  const jdk = findJdk(21);
  const source = path.join(ctx.root, STRIMZI_CHECK_DIR);
  await runCapturing(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      path.join(source, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(dir, 'libs')}`,
      '-DincludeScope=runtime',
      `-Dstrimzi.version=${DEPLOY_TOOL_VERSIONS.strimzi}`,
    ],
    { cwd: dir },
  );
  await runCapturing(
    jdk.javac,
    [
      '--release',
      '21',
      '-nowarn',
      '-cp',
      path.join(dir, 'libs', '*'),
      '-d',
      path.join(dir, 'classes'),
      path.join(source, 'StrimziModelCheck.java'),
    ],
    { cwd: dir },
  );
  fs.writeFileSync(path.join(dir, 'tool.json'), JSON.stringify({ java: jdk.java }));
};

/** A change to the checker's source or pom is a new cache entry. */
const sourceHash = (root: string): string => {
  const hash = createHash('sha256');
  for (const file of ['pom.xml', 'StrimziModelCheck.java'])
    hash.update(fs.readFileSync(path.join(root, STRIMZI_CHECK_DIR, file)));
  return hash.digest('hex').slice(0, 10);
};
