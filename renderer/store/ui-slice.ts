/** What the user is looking at: search, toggles, sorting, selection, the open dialog, theme. */
import { nextSort } from './sort-rows';
import type { SliceCreator, UiSlice } from './types';

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  search: '',
  showPseudo: false,
  selectedId: null,
  dialog: null,
  theme: 'system',
  expanded: {},
  dangerExpanded: {},
  sort: null,

  setSearch(text) {
    set({ search: text });
  },
  setShowPseudo(show) {
    set({ showPseudo: show });
  },
  select(id) {
    set({ selectedId: id });
  },
  openDialog(kind, id) {
    set({ dialog: { kind, id }, selectedId: id });
  },
  closeDialog() {
    set({ dialog: null });
  },
  setTheme(theme) {
    set({ theme });
  },
  toggleExpanded(id) {
    set((s) => ({ expanded: toggled(s.expanded, id) }));
  },
  toggleDangerExpanded(id) {
    set((s) => ({ dangerExpanded: toggled(s.dangerExpanded, id) }));
  },
  toggleSort(column) {
    set((s) => ({ sort: nextSort(s.sort, column) }));
  },
});

/** A copy of the open-rows map with `id` flipped (absent means closed). */
function toggled(open: Readonly<Record<string, true>>, id: string): Record<string, true> {
  const next = { ...open };
  if (next[id]) delete next[id];
  else next[id] = true;
  return next;
}
