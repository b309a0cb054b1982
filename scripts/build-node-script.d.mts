/** Builds `entry` (a path from the repository root) into `outDir/fileName`; resolves to the script's path. */
export function buildNodeScript(options: { entry: string; outDir: string; fileName: string; minify?: boolean }): Promise<string>;
