"""factory_boy factories shared by every app's tests."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from crm.models import Building, Company, Department, Floor, Project, Unit, User


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ["name"]

    name = "雪球置业集团有限公司"
    short_name = "雪球置业"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["company", "code"]

    company = factory.SubFactory(CompanyFactory)
    code = "sales"
    name = "销售部"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("Snowball-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ["code"]

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"雪球·测试花园{n}期")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")


class FloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Floor

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: n % 30 + 1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    floor = factory.SubFactory(FloorFactory)
    number = factory.Sequence(lambda n: f"{n + 101}")
    area = Decimal("98.50")
    layout = "三室两厅"
