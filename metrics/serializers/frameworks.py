from rest_framework import serializers


class FrameworkOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(source="short_name")
    full_name = serializers.CharField(source="name")
    version = serializers.CharField()
    publisher = serializers.CharField()
    published = serializers.DateField(allow_null=True)
    function_count = serializers.IntegerField()
    category_count = serializers.IntegerField()
    subcategory_count = serializers.IntegerField()


class FrameworkListOutputSerializer(serializers.Serializer):
    frameworks = FrameworkOutputSerializer(many=True)


class SubcategoryOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    category_code = serializers.CharField(source="category.code")
    description = serializers.CharField()
    implementation_examples = serializers.ListField(child=serializers.CharField())


class CategoryOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    function_code = serializers.CharField(source="function.code")
    framework = serializers.CharField(source="framework_id")
    name = serializers.CharField()
    description = serializers.CharField()
    subcategory_count = serializers.IntegerField()


class CategoryWithSubcategoriesOutputSerializer(CategoryOutputSerializer):
    subcategories = SubcategoryOutputSerializer(many=True)


class FunctionOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="display_name")
    title = serializers.CharField(source="name")
    description = serializers.CharField()
    category_count = serializers.IntegerField()


class FunctionWithCategoriesOutputSerializer(FunctionOutputSerializer):
    overview = serializers.ListField(child=serializers.CharField())
    categories = CategoryOutputSerializer(many=True, source="categories.all")


class FrameworkDetailOutputSerializer(FrameworkOutputSerializer):
    source = serializers.CharField()  # type: ignore[assignment]
    notes = serializers.CharField()
    functions = FunctionWithCategoriesOutputSerializer(many=True, source="functions_with_categories")


class FunctionListOutputSerializer(serializers.Serializer):
    framework = serializers.CharField()
    functions = FunctionOutputSerializer(many=True)


class CategoryListOutputSerializer(serializers.Serializer):
    categories = CategoryOutputSerializer(many=True)


class CategoryDetailListOutputSerializer(serializers.Serializer):
    framework = serializers.CharField()
    function = serializers.CharField()
    categories = CategoryWithSubcategoriesOutputSerializer(many=True)


class SubcategoryListOutputSerializer(serializers.Serializer):
    subcategories = SubcategoryOutputSerializer(many=True)


class CsfValidateInputSerializer(serializers.Serializer):
    function = serializers.CharField(max_length=50, help_text="Code (PR) or name (PROTECT).")
    category = serializers.CharField(max_length=20, required=False, allow_blank=True)
    subcategory = serializers.CharField(max_length=20, required=False, allow_blank=True)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CodeDescriptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class CsfValidateOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    function = CodeNameSerializer(allow_null=True)
    category = CodeNameSerializer(allow_null=True)
    subcategory = CodeDescriptionSerializer(allow_null=True)
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
