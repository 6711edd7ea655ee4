import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  buildOverlay,
  ensureDeployTools,
  fleetKafkaTopics,
  ObjectValidator,
  OVERLAY_EXPECTATIONS,
  OVERLAYS,
  overlayPolicyProblems,
  readComposeFile,
  renderOverlay,
  renderTopicsManifest,
  TOPICS_MANIFEST,
  validateCompose,
} from '@qf/deploy-check';
import { createInfraContext } from '@qf/local-infra';

const checkOverlay = (overlay: string): void => {
  if (!(OVERLAYS as readonly string[]).includes(overlay)) {
    throw new Error(`unknown overlay "${overlay}": expected one of ${OVERLAYS.join(', ')}`);
  }
};

/**
 * `qf deploy validate|build`: the Kubernetes overlays and docker-compose.yml, checked and
 * rendered offline (no cluster, no Docker engine). The tools come from package registries
 * on first use and are cached in .local/cache/deploy-check.
 */
export const registerDeployCommands = (program: Command): void => {
  const deploy = program
    .command('deploy')
    .description('the Kubernetes overlays (deploy/k8s) and docker-compose.yml, offline');

  deploy
    .command('validate')
    .description(
      'build every overlay with kustomize and validate each object strictly (Kubernetes, Strimzi, KEDA schemas) and the fleet policy; validate docker-compose.yml',
    )
    .argument('[overlays...]', `overlays to check (default: ${OVERLAYS.join(', ')})`)
    .action(async (overlays: string[]) => {
      const selected = overlays.length > 0 ? overlays : [...OVERLAYS];
      selected.forEach(checkOverlay);
      const ctx = createInfraContext();
      const tools = await ensureDeployTools(ctx);
      const validator = new ObjectValidator(tools);
      let failed = 0;
      for (const overlay of selected) {
        const objects = await buildOverlay(tools.kustomize, ctx.root, overlay);
        const schema = await validator.validate(objects);
        const policy = overlayPolicyProblems(
          objects,
          OVERLAY_EXPECTATIONS[overlay] ?? {
            autoscaling: false,
            guaranteed: false,
            multiNode: false,
          },
        );
        const count = schema.reduce((sum, entry) => sum + entry.problems.length, 0) + policy.length;
        failed += count;
        process.stdout.write(
          `${overlay}: ${objects.length} objects, ${count === 0 ? 'valid' : `${count} problem(s)`}\n`,
        );
        for (const entry of schema)
          for (const problem of entry.problems)
            process.stdout.write(`  ${entry.object}: ${problem}\n`);
        for (const problem of policy) process.stdout.write(`  policy: ${problem}\n`);
      }
      const composeProblems = validateCompose(
        readComposeFile(path.join(ctx.root, 'docker-compose.yml')),
        tools.composeSchemaFile,
      );
      failed += composeProblems.length;
      process.stdout.write(
        `docker-compose.yml: ${composeProblems.length === 0 ? 'valid' : `${composeProblems.length} problem(s)`}\n`,
      );
      for (const problem of composeProblems) process.stdout.write(`  ${problem}\n`);
      process.exitCode = failed > 0 ? 1 : 0;
    });

  deploy
    .command('build')
    .description(
      'print an overlay as the YAML kubectl applies (`npx qf deploy build dev | kubectl apply -f -`)',
    )
    .argument('<overlay>', OVERLAYS.join(' | '))
    .action(async (overlay: string) => {
      checkOverlay(overlay);
      const ctx = createInfraContext();
      const tools = await ensureDeployTools(ctx);
      process.stdout.write(await renderOverlay(tools.kustomize, ctx.root, overlay));
    });

  deploy
    .command('topics')
    .description(
      `write ${TOPICS_MANIFEST} (one KafkaTopic per fleet topic) from the topic specification in libs/contracts`,
    )
    .option('--check', 'only say whether the file matches the specification (exit 1 when not)')
    .action((options: { check?: boolean }) => {
      const file = path.join(createInfraContext().root, TOPICS_MANIFEST);
      const wanted = renderTopicsManifest(fleetKafkaTopics());
      const current = (() => {
        try {
          return readFileSync(file, 'utf8');
        } catch {
          return '';
        }
      })();
      if (current === wanted) {
        process.stdout.write(`${TOPICS_MANIFEST}: matches the topic specification\n`);
        return;
      }
      if (options.check) {
        process.stdout.write(
          `${TOPICS_MANIFEST}: differs from the topic specification; run \`npx qf deploy topics\`\n`,
        );
        process.exitCode = 1;
        return;
      }
      writeFileSync(file, wanted);
      process.stdout.write(`${TOPICS_MANIFEST}: written from the topic specification\n`);
    });
};
