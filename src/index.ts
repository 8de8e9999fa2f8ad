/** Tollgate as a library: `import { createGateway } from 'tollgate'`. */
export { createGateway } from './gateway/create-gateway.js';
export type { CreateGatewayOptions, Gateway } from './gateway/create-gateway.js';
export * from './spec/index.js';
