export interface SystemPackage {
  name: string;
  provides: string[];
  for: string;
}
export declare const SYSTEM_PACKAGES: SystemPackage[];
export declare const APT_INSTALL: string[];
export declare const HELPER_BUILD_NEEDS: string[];
export declare function searchPath(pathVariable?: string, root?: boolean): string[];
export declare function isProvided(item: string, dirs?: string[]): boolean;
export declare function missingPackages(dirs?: string[]): string[];
export declare function packageProviding(item: string): string | undefined;
export declare function installCommand(packages: string[], options?: { root?: boolean }): string;
export declare function hasApt(dirs?: string[]): boolean;
export declare function installPackages(packages: string[], log?: (line: string) => void): boolean;
