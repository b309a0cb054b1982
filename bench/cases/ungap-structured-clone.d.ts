// Types for the one entry of @ungap/structured-clone the encoding suite uses (it ships none).
declare module '@ungap/structured-clone/json' {
  export function stringify(value: unknown): string;
  export function parse(text: string): unknown;
}
