/**
 * What the demo's users ask. Each FAQ intent lists ways real users phrase the same question, most
 * common first: the first phrasings repeat word for word (exact-cache hits), the others are
 * paraphrases (semantic-cache candidates), and casing and punctuation drift in between.
 */
export const SUPPORT_FAQ: readonly (readonly string[])[] = [
  [
    'How do I reset my password?',
    'I forgot my password, how can I reset it?',
    'how do i reset my password',
    'What are the steps to reset a forgotten password?',
    'Password reset - how does it work?',
  ],
  [
    'Where can I download my invoice?',
    'How do I get a PDF of my invoice?',
    'where are my invoices',
    "I need last month's invoice, where do I find it?",
  ],
  [
    'How do I enable two-factor authentication?',
    'How can I turn on 2FA for my account?',
    'Where do I switch on two factor authentication?',
  ],
  [
    'Why was my card declined?',
    'My payment failed, what happens now?',
    'What happens if a payment fails?',
    'my credit card payment did not go through',
  ],
  [
    'How do I upgrade my plan?',
    'How can I move from Starter to Business?',
    'What happens to my bill if I upgrade in the middle of the month?',
  ],
  [
    'How long are database backups kept?',
    'What is the backup retention on the Business plan?',
    'how many days of backups do I get',
  ],
  [
    'How do I fix "too many connections" on my PostgreSQL database?',
    'My Postgres database says too many connections, what should I do?',
    'Getting too many connections errors from the database',
  ],
  [
    'Is there a status page for outages?',
    'Is Acme Cloud down right now?',
    'Where can I check if there is an incident?',
  ],
  [
    'How do I make a bucket public?',
    'How can I allow public access to objects in my bucket?',
    'make storage bucket public',
  ],
  [
    'Can I get a refund for my annual plan?',
    'What is your refund policy?',
    'I was charged for the annual plan by mistake, can I get my money back?',
  ],
  ['How do I invite a teammate?', 'How can I add a new member to my team?', 'add user to my account'],
  ['How do I add a custom domain?', 'How can I use my own domain name?', 'My certificate is stuck in pending, why?'],
  ['How much does egress cost?', 'Is data transfer between regions free?', 'What do you charge for bandwidth?'],
  ['How do I delete my account?', 'Please close my account and delete my data', 'I want to delete my account'],
  ['Which PostgreSQL versions do you support?', 'Do you support Postgres 17?', 'what postgres versions are available'],
  ['Why are my pods stuck in Pending?', 'Kubernetes pods stay pending, what is wrong?', 'my pods will not schedule'],
  ['When is the next Kubernetes upgrade?', 'How are cluster upgrades scheduled?'],
  ['Do prices include VAT?', 'Is tax included in the price?'],
  ['How do I change the email address of my account?', 'Can I change my login email?'],
  ['What payment methods do you accept?', 'Can I pay by bank transfer?'],
];

/** Common error messages developers paste, with how they ask about them. */
export const CODING_ERRORS: readonly string[] = [
  "TypeError: Cannot read properties of undefined (reading 'map')",
  'Error: connect ECONNREFUSED 127.0.0.1:5432',
  'SyntaxError: Unexpected token < in JSON at position 0',
  'UnhandledPromiseRejectionWarning: Error: socket hang up',
  'Error [ERR_REQUIRE_ESM]: require() of ES Module not supported',
  'FATAL: sorry, too many clients already',
  'ModuleNotFoundError: No module named requests',
  'panic: runtime error: invalid memory address or nil pointer dereference',
  'Error: listen EADDRINUSE: address already in use :::3000',
  'CrashLoopBackOff: back-off restarting failed container',
  'ERROR: relation "users" does not exist',
  'TS2532: Object is possibly undefined.',
  'RangeError: Maximum call stack size exceeded',
  'x509: certificate signed by unknown authority',
  'AccessDenied: Access Denied (Service: Amazon S3; Status Code: 403)',
  'OOMKilled: container exceeded its memory limit',
];

/** How developers ask about an error; `{error}` is replaced. The first is by far the most common (CI bots). */
export const ERROR_QUESTIONS: readonly string[] = [
  'Explain this error: {error}',
  'What does this error mean? {error}',
  'Why am I getting {error}',
  'How do I fix {error}?',
];

/** Small functions developers ask for, with paraphrases. */
export const CODING_TASKS: readonly (readonly string[])[] = [
  [
    'Write a TypeScript function that retries a promise with exponential backoff.',
    'Write a TypeScript helper to retry an async function with exponential backoff and jitter.',
  ],
  [
    'Write a Python function that reads a CSV file and returns a list of dicts.',
    'python: read csv into list of dictionaries',
  ],
  ['Write a Go function that reverses a string with Unicode support.', 'How do I reverse a UTF-8 string in Go?'],
  ['Write a TypeScript function to debounce a callback.', 'Implement debounce in TypeScript.'],
  [
    'Write a SQL query that returns the ten customers with the highest total order value.',
    'SQL: top 10 customers by total order amount',
  ],
  [
    'Write a Node.js script that uploads a file to S3-compatible storage.',
    'How do I upload a file to S3 from Node.js?',
  ],
  ['Write a Python function that validates an email address.', 'python email validation function'],
  ['Write a TypeScript type guard for a discriminated union of API responses.'],
  ['Write a Go HTTP middleware that logs the request duration.', 'Go middleware to log how long each request takes'],
  ['Write a pytest test for a function that parses dates.'],
  ['Write a Kubernetes deployment manifest for a Node.js service with a readiness probe.'],
  ['Write a bash script that backs up a PostgreSQL database to a file with a timestamp.'],
];

/** Questions that need real reasoning: the router should keep these on a strong model. */
export const DESIGN_QUESTIONS: readonly string[] = [
  'We run a multi-tenant SaaS on PostgreSQL with about 4,000 tenants and one schema per tenant. Migrations now take 40 minutes and connection counts are near the limit. Compare moving to a shared schema with a tenant_id column, sharding tenants across several databases, and keeping schemas with a connection pooler. Consider migration risk, noisy neighbours, backups per tenant and cost, and recommend one with a step-by-step migration plan.',
  'Design an idempotent payment webhook handler that can receive the same event several times, out of order, while our database may fail over. Explain the data model, the transaction boundaries, how to deduplicate, how to handle partial failures and how to test it.',
  'Our Node.js API p99 latency jumped from 120 ms to 900 ms after we moved to Kubernetes, while CPU stays under 40%. Walk me through a systematic investigation: what to measure, in what order, which Kubernetes settings (CPU limits, throttling, DNS, connection reuse) are likely, and how to prove the cause.',
  'We need to process 50 million events a day from IoT devices, deduplicate them, enrich them with device metadata and make them queryable within one minute. Compare a design on managed Kafka with stream processing, one on object storage with micro-batches, and one on PostgreSQL with partitioned tables. Give costs, failure modes and operational load, and recommend one.',
  'Explain how to roll out a breaking change to a public REST API used by 300 customers: versioning strategy, deprecation timeline, communication, monitoring who still uses the old version, and how to roll back safely if something goes wrong.',
  'Review this approach: we cache user permissions in Redis for 10 minutes and check them on every request. A customer reports that a removed user could still access data for several minutes. Propose a design that keeps latency low but revokes access within seconds, and discuss consistency, failure of Redis, and multi-region deployments.',
  'How should we structure retries, timeouts and circuit breakers across three internal services that call each other in a chain, so that one slow dependency does not take the whole system down? Include concrete numbers for timeouts and retry budgets and explain the reasoning.',
  'We are choosing between server-sent events, WebSockets and long polling for live notifications to 200,000 concurrent browser clients behind a load balancer. Compare them on infrastructure cost, reconnection behaviour, proxies, mobile networks and horizontal scaling, and recommend one.',
];

/** Support escalations: long, specific, multi-step; they need a strong model. */
export const ESCALATIONS: readonly string[] = [
  'I am the owner of a Business account. On the 12th we downgraded from Business to Starter, but on the 1st we were charged the full Business price again, and our backups older than 7 days disappeared. Explain exactly what happened with the proration and the backups, whether the backups can be recovered, what refund we are owed and what we should do now, step by step.',
  'Our production database became read-only for 25 minutes yesterday during your maintenance window, but we had chosen a window at night and this happened at 14:00 local time. We lost orders. I want to understand why the maintenance happened outside our window, what credit our SLA gives us, and how we prevent this in the future.',
  'We moved our object storage from Frankfurt to Virginia last month and the egress bill is ten times higher than expected. Break down what is billed for a cross-region copy, for the application reading from the new region, and for our CDN, and tell us how to reorganise to bring the cost down.',
  'Our Kubernetes cluster upgrade failed half-way: two node pools are on the new version, one is on the old one, and some pods cannot reach the database any more. What is the safe order of actions to recover, what should we check first, and should we roll back?',
];

/** Pieces of support tickets for the triage and extraction features. */
export const TICKET_PARTS = {
  names: [
    'Maria Lopez',
    'Jonas Weber',
    'Aiko Tanaka',
    'Samuel Okafor',
    'Chloe Martin',
    'Priya Nair',
    'Lukas Novak',
    'Emma Johansson',
  ],
  products: [
    'PostgreSQL instance',
    'MySQL database',
    'object storage bucket',
    'Kubernetes cluster',
    'load balancer',
    'Business plan',
  ],
  problems: [
    'was charged twice this month',
    'cannot connect since this morning',
    'shows a certificate error',
    'is much slower than last week',
    'disappeared from the console',
    'keeps restarting every few minutes',
    'was billed after I cancelled it',
    'does not accept my new card',
  ],
};
