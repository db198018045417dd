/** Injection tokens for infrastructure values that are not classes. */
export const SETTINGS = Symbol('SETTINGS');
export const DATABASE = Symbol('DATABASE');
