"""The sales office's ownership rules (R-ARC-08 … R-ARC-12), inside the archives app.

services (desk registration, ownership changes, disputes, important customers), rotation (轮排),
pool (protection period and 公海), referrals (老带新), sheets (客户信息登记表), departures
(staff handover); views, forms and urls for their screens; ui for menu, panels and timeline.
"""
