#include "mtable.h"

int mtable_load(struct mtable *t, struct mi_reader *r, struct ff_mount *m)
{
	int err, rc;

	err = mi_open(r);
	if (!err && t->gen == r->gen) {
		mi_close(r);
		return 0;
	}
	t->gen = 0;
	t->n = 0;
	if (err)
		return err;
	while ((rc = mi_next(r, m)) > 0 && t->n < MTABLE_MAX) {
		t->e[t->n].id = m->mount_id;
		t->e[t->n].parent = m->parent_id;
		t->e[t->n].sb = m->sb;
		t->n++;
	}
	mi_close(r);
	if (rc < 0)
		return rc;
	t->gen = r->gen;
	return 0;
}

const struct mt_ent *mtable_find(const struct mtable *t, int id)
{
	int i;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].id == id)
			return &t->e[i];
	}
	return NULL;
}
