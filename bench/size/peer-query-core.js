export { QueryClient } from '@tanstack/query-core';
