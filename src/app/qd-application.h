/* qd-application.h — the desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_APPLICATION (qd_application_get_type ())
G_DECLARE_FINAL_TYPE (QdApplication, qd_application, QD, APPLICATION, AdwApplication)

QdApplication *qd_application_new            (void);
void           qd_application_set_start_time (QdApplication *self,
                                              gint64         monotonic_us);
int            qd_application_get_exit_status (QdApplication *self);
void           qd_i18n_init                  (void);
QdStore       *qd_application_get_store      (QdApplication *self);
void           qd_application_set_store      (QdApplication *self,
                                              QdStore       *store);
gboolean       qd_application_is_checking    (QdApplication *self);

G_END_DECLS
