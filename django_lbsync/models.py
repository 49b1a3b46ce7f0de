"""No Django models. This module exists so that `migrate` sends this app its `post_migrate` signal
(Django skips apps without a models module), on which django_lbsync.testing creates the LoopBack
tables in a test database."""
