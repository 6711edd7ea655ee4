/**
 * Sets environment variables for the tests of the enclosing describe (in its beforeAll, so
 * values may come from async work such as finding free ports) and puts back what was there
 * before in its afterAll: a variable that was unset is unset again.
 */
export const useEnvironment = (
  values: () => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>,
): void => {
  const previous = new Map<string, string | undefined>();
  beforeAll(async () => {
    for (const [name, value] of Object.entries(await values())) {
      if (!previous.has(name)) previous.set(name, process.env[name]);
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    previous.clear();
  });
};
