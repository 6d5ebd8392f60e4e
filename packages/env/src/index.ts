export * from './spaces.ts';
export * from './env.ts';
export * from './checker.ts';
export * from './vector.ts';
export * from './cartpole.ts';
export * from './kitchen.ts';
export * from './parGrid.ts';
