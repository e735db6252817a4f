"""Gas billing: accounts, meters, readings, tariffs, statements, payments, arrears."""
