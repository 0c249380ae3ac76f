export declare const REPO_ROOT: string;
export declare function electronDist(root?: string): string | undefined;
export declare function electronBinary(root?: string): string | undefined;
export declare function withElectronFetched(find: (root: string) => string | undefined, root?: string): Promise<string | undefined>;
