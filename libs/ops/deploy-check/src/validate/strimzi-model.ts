import { runCapturing } from '../tools/run-capturing';
import type { K8sObject } from './schema-errors';

export const STRIMZI_GROUP = 'kafka.strimzi.io';

/**
 * Validates Strimzi resources with deploy/validate/strimzi-model-check: they are read into
 * Strimzi's own API model (what its operators act on), and any unknown field, missing
 * required field, value of the wrong type or enum value the model does not know is a
 * problem. One JVM for the whole batch. Answers the problems of each object, in order.
 */
export const checkStrimziObjects = async (
  objects: readonly K8sObject[],
  tool: { readonly java: string; readonly classpath: string },
): Promise<string[][]> => {
  if (objects.length === 0) return [];
  const out = await runCapturing(
    tool.java,
    ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', tool.classpath, 'StrimziModelCheck'],
    {
      input: JSON.stringify(objects),
    },
  );
  const answer = JSON.parse(out) as string[][];
  if (!Array.isArray(answer) || answer.length !== objects.length) {
    throw new Error(
      `StrimziModelCheck answered ${answer.length} results for ${objects.length} objects`,
    );
  }
  return answer;
};
