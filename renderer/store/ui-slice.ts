/** What the user is looking at: search, toggles, selection, the open dialog, theme. */
import type { SliceCreator, UiSlice } from './types';

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  search: '',
  showPseudo: false,
  selectedId: null,
  dialog: null,
  theme: 'system',
  expanded: {},
  dangerExpanded: {},

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
    set((s) => {
      const expanded = { ...s.expanded };
      if (expanded[id]) delete expanded[id];
      else expanded[id] = true;
      return { expanded };
    });
  },
  toggleDangerExpanded(id) {
    set((s) => {
      const dangerExpanded = { ...s.dangerExpanded };
      if (dangerExpanded[id]) delete dangerExpanded[id];
      else dangerExpanded[id] = true;
      return { dangerExpanded };
    });
  },
});
