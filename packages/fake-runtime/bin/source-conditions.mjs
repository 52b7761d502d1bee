// A module-resolution hook (node:module register) that adds the `@multinet/source` export
// condition, so that in a checkout the workspace packages resolve to their TypeScript sources,
// as `node --conditions=@multinet/source` would, without starting a second process.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@multinet/source')
    ? context.conditions
    : ['@multinet/source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
