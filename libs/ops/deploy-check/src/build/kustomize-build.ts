import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../validate/schema-errors';
import { runCapturing } from '../tools/run-capturing';

/** The overlays under deploy/k8s/overlays, each a complete deployment of the fleet. */
export const OVERLAYS = ['dev', 'prod', 'experiment'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export const overlayDir = (root: string, overlay: string): string =>
  path.join(root, 'deploy', 'k8s', 'overlays', overlay);

/** Parses a multi-document YAML stream of Kubernetes objects; a YAML error names the source. */
export const parseObjects = (text: string, source: string): K8sObject[] =>
  parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0)
      throw new Error(`${source}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });

/** `kustomize build` of one overlay, as objects. */
export const buildOverlay = async (
  kustomize: string,
  root: string,
  overlay: string,
): Promise<K8sObject[]> => {
  const dir = overlayDir(root, overlay);
  if (!fs.existsSync(path.join(dir, 'kustomization.yaml'))) {
    throw new Error(
      `no overlay "${overlay}": ${path.relative(root, dir)}/kustomization.yaml does not exist (overlays: ${OVERLAYS.join(', ')})`,
    );
  }
  return parseObjects(
    await runCapturing(kustomize, ['build', dir]),
    `kustomize build ${path.relative(root, dir)}`,
  );
};

/** The same, as the YAML text kubectl would apply. */
export const renderOverlay = (kustomize: string, root: string, overlay: string): Promise<string> =>
  runCapturing(kustomize, ['build', overlayDir(root, overlay)]);
